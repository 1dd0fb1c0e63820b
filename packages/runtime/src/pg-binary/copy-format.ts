// PostgreSQL's binary COPY format, as both the loader's writer and the extractor's reader use it: a header, tuples
// (an int16 field count, then per field an int32 length, -1 for null, and that many bytes of the type's binary
// send form, big-endian), and a trailer.

/** What a binary COPY starts with: the signature `PGCOPY\n\377\r\n\0`, no flags, an empty header extension. */
export const copyBinaryHeader: Buffer = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** The bytes of the signature that opens {@link copyBinaryHeader}. */
export const copySignatureBytes = 11;

/** What a binary COPY ends with: a tuple of field count −1. */
export const copyBinaryTrailer: Buffer = Buffer.from([0xff, 0xff]);

/** Days from the lake's epoch (1970-01-01) to PostgreSQL's (2000-01-01), from which dates and timestamps count. */
export const pgEpochDay = 10_957;

/** PostgreSQL's epoch in the lake's epoch milliseconds. */
export const pgEpochMs = pgEpochDay * 86_400_000;
