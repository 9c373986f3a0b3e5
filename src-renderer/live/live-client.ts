import { io, type Socket } from 'socket.io-client';
import type { LiveExamSnapshot, LiveTimeline, LiveViewEvents } from '../../src-main/contract/live-view';
import type { ProctorAction } from '../../src-main/contract/proctor-order';

/** The live view's line to the server: REST for snapshots and orders, Socket.IO for what happens next. */
export class LiveClient {
  private socket: Socket | null = null;

  constructor(private readonly credential: string) {}

  async snapshot(examId: string): Promise<LiveExamSnapshot> {
    return this.request('GET', `/api/proctor/live/exams/${encodeURIComponent(examId)}`) as Promise<LiveExamSnapshot>;
  }

  /** The drill-down: the review's timeline model of what the server holds for one attempt. */
  async timeline(sessionId: string): Promise<LiveTimeline> {
    return this.request('GET', `/api/proctor/live/sessions/${encodeURIComponent(sessionId)}/timeline`) as Promise<LiveTimeline>;
  }

  async order(sessionId: string, action: ProctorAction, reason: string, extendMinutes?: number): Promise<void> {
    await this.request('POST', `/api/proctor/sessions/${encodeURIComponent(sessionId)}/orders`, { action, reason, ...(action === 'extend' ? { extendMinutes } : {}) });
  }

  watch(examId: string, on: { [K in keyof LiveViewEvents]: (e: LiveViewEvents[K]) => void } & { error(message: string): void; connected(up: boolean): void }): void {
    this.close();
    const socket = io('/proctor', { auth: { credential: this.credential }, transports: ['websocket'] });
    this.socket = socket;
    socket.on('connect', () => {
      on.connected(true);
      socket.emit('watch', { examId }, (answer: { ok: boolean; error?: string }) => {
        if (!answer.ok) on.error(answer.error ?? 'the server refused to show this exam');
      });
    });
    socket.on('disconnect', () => on.connected(false));
    socket.on('connect_error', (e: Error) => on.error(`live updates: ${e.message}`));
    socket.on('risk_update', on.risk_update);
    socket.on('presence', on.presence);
    socket.on('order_issued', on.order_issued);
  }

  close(): void {
    this.socket?.disconnect();
    this.socket = null;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${this.credential}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({ message: `the server answered ${res.status}` }))) as { message?: string };
    if (!res.ok) throw new Error(answer.message ?? `the server answered ${res.status}`);
    return answer;
  }
}
