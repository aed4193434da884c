import { SseReader } from './sse-reader';

describe('SseReader', () => {
  it('yields named events whole, however the stream is chunked', () => {
    const reader = new SseReader();
    expect(reader.push(': keep-alive\n\nevent: task.updated\nda')).toEqual([]);
    expect(reader.push('ta: {"type":"task.updated","taskId":"t1"}\n\nevent: alignment-score.changed\n')).toEqual([
      { event: 'task.updated', data: '{"type":"task.updated","taskId":"t1"}', id: undefined },
    ]);
    expect(reader.push('id: 7\ndata: {"a":1}\n\n')).toEqual([
      { event: 'alignment-score.changed', data: '{"a":1}', id: '7' },
    ]);
  });

  it('joins multi-line data, defaults the name to message, reads CRLF', () => {
    const reader = new SseReader();
    expect(reader.push('data: one\r\ndata: two\r\n\r\n')).toEqual([
      { event: 'message', data: 'one\ntwo', id: undefined },
    ]);
  });
});
