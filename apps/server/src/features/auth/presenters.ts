// User JSON: never includes the password hash, API-key hash or token version.
import type { ApiKeyStatusDto, UserDto } from '@bottega/protocol';
import type { UserRow } from '../../db/schema';

export function presentUser(row: UserRow): UserDto {
  return {
    id: row.id,
    username: row.username,
    isActive: row.is_active === 1,
    isAdmin: row.is_admin === 1,
    isTechnical: row.is_technical === 1,
    hasCompletedOnboarding: row.has_completed_onboarding === 1,
    gitName: row.git_name,
    gitEmail: row.git_email,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

export function presentApiKeyStatus(row: UserRow): ApiKeyStatusDto {
  return {
    hasKey: row.api_key_hash !== null,
    prefix: row.api_key_prefix,
    createdAt: row.api_key_created_at,
    lastUsedAt: row.api_key_last_used_at,
  };
}
