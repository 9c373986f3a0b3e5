import { create } from 'zustand';
import type { SessionSnapshot } from '../src-main/contract/api';
import { isDirty, type SaveState } from './save-state';

export interface StudentMessage {
  id: number;
  text: string;
}

export interface SessionState {
  snapshot: SessionSnapshot | null;
  /** Why the exam could not be shown at all (no engine, engine refused the snapshot). */
  loadError: string | null;
  /** What each field shows; may be ahead of the engine while a save is pending. */
  drafts: Record<string, string>;
  saves: Record<string, SaveState>;
  /** Errors the engine returned for something the student did, shown until dismissed. */
  errors: StudentMessage[];
  applySnapshot(snapshot: SessionSnapshot): void;
  setLoadError(message: string | null): void;
  setDraft(questionId: string, value: string): void;
  setSaveState(questionId: string, state: SaveState): void;
  addError(text: string): void;
  dismissError(id: number): void;
}

let nextMessageId = 1;

export const useSession = create<SessionState>()((set) => ({
  snapshot: null,
  loadError: null,
  drafts: {},
  saves: {},
  errors: [],

  applySnapshot: (snapshot) =>
    set((state) => {
      const drafts = { ...state.drafts };
      const saves = { ...state.saves };
      for (const [questionId, answer] of Object.entries(snapshot.answers)) {
        // A field with unconfirmed edits keeps what the student typed; the save in flight
        // (or its retry) will bring the engine up to date.
        if (isDirty(saves[questionId])) continue;
        drafts[questionId] = answer.value;
        saves[questionId] = { kind: 'saved', at: answer.savedAt };
      }
      return { snapshot, drafts, saves, loadError: null };
    }),

  setLoadError: (loadError) => set({ loadError }),

  setDraft: (questionId, value) => set((s) => ({ drafts: { ...s.drafts, [questionId]: value } })),

  setSaveState: (questionId, state) => set((s) => ({ saves: { ...s.saves, [questionId]: state } })),

  addError: (text) =>
    set((s) => {
      // The same failure repeated (e.g. every focus change while the engine is down) is shown once.
      if (s.errors.some((e) => e.text === text)) return s;
      return { errors: [...s.errors.slice(-4), { id: nextMessageId++, text }] };
    }),

  dismissError: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),
}));
