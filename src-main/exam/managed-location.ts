import path from 'node:path';

/**
 * The folder IT manages on each system: only an administrator can write it, so a student
 * cannot swap the institution key, the policy or the exam (docs/deploy.md).
 */
export function managedDir(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string {
  switch (platform) {
    case 'win32':
      // %ProgramData% is C:\ProgramData unless the machine moved it.
      return path.win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Vigil');
    case 'darwin':
      return '/Library/Application Support/Vigil';
    default:
      return '/etc/vigil';
  }
}

/** The three files Vigil reads from the managed folder (`dir` from managedDir, or a test's). */
export function managedFiles(dir: string) {
  return {
    dir,
    publicKey: path.join(dir, 'institution.pub'),
    policy: path.join(dir, 'policy.json'),
    exam: path.join(dir, 'exam.json'),
  };
}
