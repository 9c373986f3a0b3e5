/** One upload the reference server accepted. */
export interface StoredUpload {
  studentId: string;
  idempotencyKey: string;
  /** ISO time of receipt. */
  receivedAt: string;
  body: unknown;
}

export interface SessionUploads {
  sessionId: string;
  flags: StoredUpload[];
  submissions: StoredUpload[];
}

export interface RecordedResponse {
  /** method + path + body digest: a key reused for a different request is refused. */
  fingerprint: string;
  status: number;
  body: string;
}

/**
 * What the reference server has received. Kept apart from the HTTP server so a test can
 * close the server, start a new one on the same port with the same store, and check that
 * nothing was stored twice across the restart (a real server keeps this in a database).
 */
export class ExamServerStore {
  private readonly bySession = new Map<string, SessionUploads>();
  private readonly responses = new Map<string, RecordedResponse>();

  recordedResponse(key: string): RecordedResponse | undefined {
    return this.responses.get(key);
  }

  remember(key: string, response: RecordedResponse): void {
    this.responses.set(key, response);
  }

  session(sessionId: string): SessionUploads {
    let found = this.bySession.get(sessionId);
    if (!found) {
      found = { sessionId, flags: [], submissions: [] };
      this.bySession.set(sessionId, found);
    }
    return found;
  }

  /** A deep copy, so callers cannot change what the server holds. */
  snapshot(): Record<string, SessionUploads> {
    return structuredClone(Object.fromEntries(this.bySession));
  }
}
