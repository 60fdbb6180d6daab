// The gradient helper thread for the CLI tools and tests (out/cli/gradWorker.js); the same code as the extension's.
import '../worker/gradWorker';
