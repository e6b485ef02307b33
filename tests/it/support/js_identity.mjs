// The AWS SDK for JavaScript v3 as a user's program runs it: the default credential
// chain (fromNodeProviderChain) and sts:GetCallerIdentity, with the region and the
// endpoint (AWS_ENDPOINT_URL) the SDK finds on its own.
//
// Usage: node js_identity.mjs MODULES
// MODULES is the folder where scripts/test-js installed tests/js (its node_modules are
// not beside this file, so they are loaded from there).
// Prints one JSON line: {"arn", "account", "key", "region"} (key: the access key id the
// SDK signed with). On failure: the error on stderr, exit status 1.

import { createRequire } from "node:module";
import { join } from "node:path";

// This machine's Node.js is not the test's subject: its support notice would hide the
// SDK's warnings that are.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const require = createRequire(join(process.argv[2], "package.json"));
const { fromNodeProviderChain } = require("@aws-sdk/credential-providers");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");

try {
  const client = new STSClient({ credentials: fromNodeProviderChain() });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  const credentials = await client.config.credentials();
  const region = await client.config.region();
  console.log(
    JSON.stringify({
      arn: identity.Arn,
      account: identity.Account,
      key: credentials.accessKeyId,
      region,
    }),
  );
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
