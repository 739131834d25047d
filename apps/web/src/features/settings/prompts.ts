// Prompt templates as the server presents them (SPEC §7): a list with
// "customized" flags, and each prompt's content, default, variables and the
// override's mtime (the version the editor sends back when saving).
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';

export type PromptKind = 'prompt' | 'template';

export interface PromptSummary {
  name: string;
  label: string;
  kind: PromptKind;
  customized: boolean;
}

export interface PromptDetail extends PromptSummary {
  content: string;
  defaultContent: string;
  variables: string[];
  mtime: number | null;
}

export function usePromptList() {
  return useQuery({ queryKey: keys.prompts, queryFn: () => api.get<{ prompts: PromptSummary[] }>('/api/prompts') });
}

export function usePrompt(name: string) {
  return useQuery({ queryKey: keys.prompt(name), queryFn: () => api.get<{ prompt: PromptDetail }>(`/api/prompts/${encodeURIComponent(name)}`), retry: false });
}
