// The profiles of ~/.aws/config (or AWS_CONFIG_FILE) as the AWS SDK for JavaScript v3
// reads them, with its own loader: what a Node tool finds in the file.
//
// Usage: node js_config_view.cjs MODULES
// MODULES is the folder where scripts/test-js installed tests/js. Prints one JSON line:
// {PROFILE: {KEY: VALUE}}.

const { createRequire } = require("node:module");
const { join } = require("node:path");

const load = createRequire(join(process.argv[2], "package.json"));
const { loadSharedConfigFiles } = load("@smithy/core/config");

loadSharedConfigFiles({ ignoreCache: true }).then(
  (files) => console.log(JSON.stringify(files.configFile)),
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
