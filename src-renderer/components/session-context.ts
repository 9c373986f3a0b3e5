import { createContext, useContext } from 'react';
import type { SessionController } from '../session-controller';

export const SessionContext = createContext<SessionController | null>(null);

export function useController(): SessionController {
  const controller = useContext(SessionContext);
  if (!controller) throw new Error('useController() outside <SessionContext>');
  return controller;
}
