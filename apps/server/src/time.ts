// Timestamps are ISO-8601 strings in UTC everywhere in the database.
export const iso = (d: Date): string => d.toISOString();
