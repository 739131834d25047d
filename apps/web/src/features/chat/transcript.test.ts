// The transcript cache reducer: appending by seq, ignoring repeats, placing
// out-of-order arrivals, older pages in front, and stream deltas growing an
// in-progress bubble that the final message replaces — applied both directly
// and through the registered server-event reducer.
import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { ServerEvent, TranscriptPageDto, UnifiedMessage } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { applyServerEvent } from '../../lib/live';
import { msg } from './chat-fixtures';
import './chat-data';
import {
  applyMessage,
  clearDrafts,
  emptyTranscript,
  firstSeq,
  fromTailPage,
  lastSeq,
  mergeMessages,
  withOlderPage,
  type ChatTranscript,
} from './transcript';

const seqs = (t: ChatTranscript) => t.messages.map((m) => m.seq);
const page = (messages: UnifiedMessage[], hasMore: boolean): TranscriptPageDto => ({
  messages,
  firstSeq: messages[0]?.seq ?? null,
  lastSeq: messages.at(-1)?.seq ?? null,
  hasMore,
});
const applyAll = (t: ChatTranscript, ms: UnifiedMessage[]) => ms.reduce(applyMessage, t);

describe('stored messages', () => {
  it('appends messages in seq order', () => {
    const t = applyAll(emptyTranscript(), [msg.user(1, 'hi'), msg.assistant(2, 'hello'), msg.result(3)]);
    expect(seqs(t)).toEqual([1, 2, 3]);
    expect(firstSeq(t)).toBe(1);
    expect(lastSeq(t)).toBe(3);
  });

  it('ignores a message whose id is already loaded, returning the same object', () => {
    const t = fromTailPage(page([msg.user(1, 'hi'), msg.assistant(2, 'hello')], false));
    const again = applyMessage(t, msg.assistant(2, 'hello'));
    expect(again).toBe(t);
    expect(mergeMessages(t, [msg.user(1, 'hi'), msg.assistant(2, 'hello'), msg.result(3)]).messages.map((m) => m.id)).toEqual([
      'u1',
      'a2',
      'r3',
    ]);
  });

  it('places messages that arrive out of order by seq', () => {
    const t = applyAll(emptyTranscript(), [
      msg.user(1, 'a'),
      msg.assistant(4, 'd'),
      msg.assistant(2, 'b'),
      msg.result(5),
      msg.assistant(3, 'c'),
    ]);
    expect(seqs(t)).toEqual([1, 2, 3, 4, 5]);
    const batch = mergeMessages(emptyTranscript(), [msg.result(9), msg.user(7, 'x'), msg.assistant(8, 'y'), msg.user(7, 'x')]);
    expect(seqs(batch)).toEqual([7, 8, 9]);
  });

  it('puts an older page in front and takes its hasMore', () => {
    const tail = fromTailPage(page([msg.assistant(201, 'x'), msg.result(202)], true));
    expect(tail.hasOlder).toBe(true);
    const withOlder = withOlderPage(tail, page([msg.user(199, 'p'), msg.assistant(200, 'q')], false));
    expect(seqs(withOlder)).toEqual([199, 200, 201, 202]);
    expect(withOlder.hasOlder).toBe(false);
  });
});

describe('stream deltas', () => {
  it('accumulates text and thinking per parent into drafts', () => {
    const t = applyAll(emptyTranscript(), [
      msg.delta('msg_1', 'thinking', 'Let me '),
      msg.delta('msg_1', 'thinking', 'think.'),
      msg.delta('msg_1', 'text', 'Hel'),
      msg.delta('msg_1', 'text', 'lo'),
      msg.delta('msg_2', 'text', 'Other'),
    ]);
    expect(t.messages).toEqual([]);
    expect(t.drafts).toEqual([
      { parentId: 'msg_1', text: 'Hello', thinking: 'Let me think.' },
      { parentId: 'msg_2', text: 'Other', thinking: '' },
    ]);
  });

  it('replaces the draft with the final messages of the same model message', () => {
    let t = applyAll(emptyTranscript(), [msg.user(1, 'q'), msg.delta('msg_1', 'thinking', 'hmm'), msg.delta('msg_1', 'text', 'Answ')]);
    t = applyMessage(t, msg.thinking(2, 'hmm', 'msg_1:0'));
    expect(t.drafts).toEqual([{ parentId: 'msg_1', text: 'Answ', thinking: '' }]);
    t = applyMessage(t, msg.delta('msg_1', 'text', 'er'));
    expect(t.drafts[0]?.text).toBe('Answer');
    t = applyMessage(t, msg.assistant(3, 'Answer', 'msg_1:1'));
    expect(t.drafts).toEqual([]);
    expect(t.messages.map((m) => m.type)).toEqual(['user', 'assistant_thinking', 'assistant']);
  });

  it('replaces the oldest text draft when the final id does not name its parent', () => {
    const t = applyAll(emptyTranscript(), [msg.delta('p1', 'text', 'partial'), msg.assistant(1, 'partial and more', 'other-id')]);
    expect(t.drafts).toEqual([]);
    expect(t.messages).toHaveLength(1);
  });

  it('keeps a draft whose final message has not arrived, and clears all at the end of the turn', () => {
    const t = applyAll(emptyTranscript(), [
      msg.delta('msg_1', 'text', 'one'),
      msg.assistant(1, 'one', 'msg_1:0'),
      msg.delta('msg_2', 'text', 'two'),
    ]);
    expect(t.drafts).toEqual([{ parentId: 'msg_2', text: 'two', thinking: '' }]);
    expect(clearDrafts(t).drafts).toEqual([]);
  });
});

describe('the registered `message` reducer', () => {
  const route = { projectId: 1, taskId: 2, conversationId: 3 };
  const event = (message: UnifiedMessage): ServerEvent => ({ type: 'message', ...route, message });

  it('updates the cached transcript of that conversation only', () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.messages(3), fromTailPage(page([msg.user(1, 'hi')], false)));
    qc.setQueryData(keys.messages(4), emptyTranscript());
    applyServerEvent(qc, event(msg.delta('msg_1', 'text', 'Hel')));
    expect(qc.getQueryData<ChatTranscript>(keys.messages(3))?.drafts).toEqual([{ parentId: 'msg_1', text: 'Hel', thinking: '' }]);
    applyServerEvent(qc, event(msg.assistant(2, 'Hello', 'msg_1:0')));
    applyServerEvent(qc, event(msg.assistant(2, 'Hello', 'msg_1:0')));
    const t = qc.getQueryData<ChatTranscript>(keys.messages(3));
    expect(t?.messages.map((m) => m.id)).toEqual(['u1', 'msg_1:0']);
    expect(t?.drafts).toEqual([]);
    expect(qc.getQueryData<ChatTranscript>(keys.messages(4))?.messages).toEqual([]);
  });

  it('clears drafts when streaming ends', () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.messages(3), emptyTranscript());
    applyServerEvent(qc, event(msg.delta('msg_9', 'text', 'cut off')));
    applyServerEvent(qc, { type: 'streaming.ended', ...route });
    expect(qc.getQueryData<ChatTranscript>(keys.messages(3))?.drafts).toEqual([]);
  });
});
