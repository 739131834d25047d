// Prompt templates as the server presents them (docs/behaviour/agents.md#prompt-overrides; the shapes are
// PromptSummaryDto and PromptDetailDto in @bottega/protocol): a list with
// "customized" flags, and each prompt's content, default, variables and the
// override's mtime (the version the editor sends back when saving).
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';

export function usePromptList() {
  return useQuery({ queryKey: keys.prompts, queryFn: () => api.get('/api/prompts') });
}

export function usePrompt(name: string) {
  return useQuery({ queryKey: keys.prompt(name), queryFn: () => api.get('/api/prompts/:name', { params: { name } }), retry: false });
}
