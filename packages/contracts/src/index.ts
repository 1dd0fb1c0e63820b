export {
  causedBy,
  contractVersion,
  derivedFrom,
  envelopeFields,
  Identifier,
  newEnvelope,
  SourceTimestamp,
  uuidFor,
} from './envelope';
export {
  LineageDataset,
  LineageEventType,
  lineageFields,
  openLineageProducer,
  openLineageSchemaUrl,
} from './lineage';
export {
  ChangeKind,
  ChangeWindow,
  DeletesCheckRequested,
  DeletesExtracted,
  LakeObject,
  MessageType,
  ModelBuilt,
  ModelKind,
  ModelLoaded,
  PlatformMessage,
  RunCompleted,
  TableChanged,
  TableExtracted,
  TableWatermark,
  Watermark,
  WindowChanged,
  WindowExtracted,
} from './messages';
export type { ParseResult } from './parse';
export { maxBodyBytes, parseMessage, RejectionReason } from './parse';
