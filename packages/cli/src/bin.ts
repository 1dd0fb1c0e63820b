#!/usr/bin/env node
import { tolerateClosedOutput } from './closed-output';
import { main } from './main';

// The AWS SDK tells Node 20 users, on every command, that SDK versions after January 2027 will need Node 22. The
// catalog pins the SDK, so the notice is about versions this platform does not take; set the variable to false to
// see it. The SDK reads it when a client is made, so setting it before `main` runs is enough.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A closed terminal pipe must never stop the drain and the database's shutdown.
tolerateClosedOutput();

process.exitCode = await main(process.argv.slice(2));
