// The benchmark's SMTP sink, in its own process: accepts every message, keeps nothing, reports the
// port to its parent and, when asked, how many messages and bytes it accepted and the CPU time it
// has used (so the benchmark can say which side of the conversation each phase's time went to).
import { SMTPServer } from 'smtp-server';

let messages = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', (c: Buffer) => (bytes += c.length));
    stream.on('end', () => {
      messages++;
      callback();
    });
  },
});
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => {
  const addr = server.server.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'count') {
    const cpu = process.cpuUsage();
    process.send?.({ messages, bytes, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (m.type === 'stop') server.close(() => process.exit(0));
});
