#!/usr/bin/env node
// The AWS SDK tells Node 20 users, on every command, that SDK versions after January 2027 will need Node 22. The
// catalog pins the SDK, so the notice is about versions this platform does not take; set the variable to false to
// see it. It is read when the SDK loads, hence before the import below.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('./main');

process.exitCode = await main(process.argv.slice(2));
