// The admin price table: lists the prices, saves a new one with PUT only once
// every field is a non-negative number, and deletes one with its key.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ModelPriceDto } from '@bottega/protocol';
import { PricesPanel } from './prices-panel';
import { pickOption } from '../../ui/test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const sonnet: ModelPriceDto = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  inputPerMTok: 3,
  outputPerMTok: 15,
  cacheReadPerMTok: 0.3,
  cacheWritePerMTok: 3.75,
  updatedAt: '2030-01-01T00:00:00.000Z',
};

describe('prices panel', () => {
  it('lists, saves and deletes prices', async () => {
    const calls: { method: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const method = init.method ?? 'GET';
        if (method !== 'GET') calls.push({ method, body: JSON.parse(String(init.body)) });
        const body = method === 'GET' ? { prices: [sonnet] } : method === 'PUT' ? { price: sonnet } : { deleted: true };
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <PricesPanel />
      </QueryClientProvider>,
    );
    expect((await screen.findByTestId('price-claude-sonnet-4-5')).textContent).toContain('$3.75');
    const save = screen.getByRole('button', { name: 'Save price' });
    await pickOption('Provider', 'openai');
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'house-model' } });
    for (const [label, value] of [
      ['Input $/MTok', '1'],
      ['Output $/MTok', '2'],
      ['Cache read $/MTok', '0.1'],
    ])
      fireEvent.change(screen.getByLabelText(label as string), { target: { value } });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Cache write $/MTok'), { target: { value: '-1' } });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Cache write $/MTok'), { target: { value: '1.25' } });
    fireEvent.click(save);
    fireEvent.click(screen.getByRole('button', { name: 'Delete the price of claude-sonnet-4-5' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls).toContainEqual({
      method: 'PUT',
      body: {
        provider: 'openai',
        model: 'house-model',
        inputPerMTok: 1,
        outputPerMTok: 2,
        cacheReadPerMTok: 0.1,
        cacheWritePerMTok: 1.25,
      },
    });
    expect(calls).toContainEqual({ method: 'DELETE', body: { provider: 'anthropic', model: 'claude-sonnet-4-5' } });
  });
});
