// protobufjs/light (the runtime without the .proto parser; schema.ts is its JSON descriptor).
// scripts/bundle.mjs replaces this module in dist/ with protobufjs bundled into one ES module, so
// that the unbundled dist/ tree runs in browsers, which neither resolve bare specifiers nor load
// CommonJS.
import protobuf from 'protobufjs/light.js';

export default protobuf;
