// Child process for killedAttempt(): an attempt in progress, then SIGKILL mid-exam.
import { driveAttempt } from './attempt-fixtures';

const [dataDir, studentId] = process.argv.slice(2);
// submit:false and no close(): the attempt is open, mid-exam, when the kill comes.
await driveAttempt(dataDir!, studentId!, 'honest', { submit: false, seed: 3 }).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
process.kill(process.pid, 'SIGKILL');
