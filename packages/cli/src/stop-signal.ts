/**
 * Resolves on the first SIGINT or SIGTERM, and keeps answering later ones so that they cannot end the process: a
 * Ctrl-C under `npm start` arrives twice (from the terminal, and again forwarded by npm), and the second must not kill
 * the platform in the middle of its drain. `onRepeat` hears each later signal.
 */
export function untilStopSignal(
  onRepeat: (signal: NodeJS.Signals) => void = () => {},
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handle = (signal: NodeJS.Signals) => {
      if (received) return onRepeat(signal);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', handle);
    process.on('SIGTERM', handle);
  });
}
