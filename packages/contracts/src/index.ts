export { causedBy, contractVersion, envelopeFields, Identifier, newEnvelope, SourceTimestamp } from './envelope';
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
export { maxBodyBytes, parseMessage, RejectionReason } from './parse';
export type { ParseResult } from './parse';
