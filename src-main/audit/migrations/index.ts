import type { Migration } from './migration';
import { m0010Initial } from './0010-initial';
import { m0020Outbox } from './0020-outbox';
import { m0030EngineState } from './0030-engine-state';
import { m0040KeyedChain } from './0040-keyed-chain';

export type { Migration } from './migration';

/** Every migration, oldest first. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [m0010Initial, m0020Outbox, m0030EngineState, m0040KeyedChain];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
