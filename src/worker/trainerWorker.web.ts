// The trainer worker's web entry (dist/web/worker.js, a classic script VS Code for the Web's extension
// host starts from a blob; the .wasm binaries arrive in its first message).
import { webWorkerPlatform } from './platformWeb';
import { serveTrainer } from './serve';
import { installSetImmediate } from './web/immediate';

installSetImmediate();
serveTrainer(webWorkerPlatform());
