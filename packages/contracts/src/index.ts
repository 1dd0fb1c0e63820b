export {
  causedBy,
  contractVersion,
  envelopeFields,
  Identifier,
  newEnvelope,
  SourceTimestamp,
} from './envelope';
export {
  ChangeWindow,
  LakeObject,
  MessageType,
  ModelBuilt,
  ModelKind,
  ModelLoaded,
  PlatformMessage,
  TableChanged,
  TableExtracted,
  Watermark,
} from './messages';
export type { ParseResult } from './parse';
export { maxBodyBytes, parseMessage, RejectionReason } from './parse';
