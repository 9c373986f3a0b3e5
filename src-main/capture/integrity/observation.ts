import type { IntegrityObservation } from '../../contract/integrity-observation';

export type { IntegrityObservation, IntegrityObservationKind } from '../../contract/integrity-observation';
export type ObservationSink = (o: IntegrityObservation) => void;
