import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Copy, type Dockerfile, DockerfileParser, From, type Instruction } from 'dockerfile-ast';

/** A project's Dockerfile, parsed. */
export function readDockerfile(project: string): Dockerfile {
  return DockerfileParser.parse(readFileSync(join(project, 'Dockerfile'), 'utf8'));
}

/** The instructions of each stage, keyed by its name (the last, unnamed one is `runtime`). */
export function stages(dockerfile: Dockerfile): Map<string, Instruction[]> {
  const result = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      current = [];
      result.set(instruction.getBuildStage() ?? 'runtime', current);
    }
    current.push(instruction);
  }
  return result;
}

export const argumentsOf = (instruction: Instruction) =>
  instruction.getArguments().map((argument) => argument.getValue());

/** The runtime stage's CMD, exec form. */
export function commandOf(dockerfile: Dockerfile): string[] {
  const cmd = stages(dockerfile)
    .get('runtime')!
    .find((instruction) => instruction.getKeyword() === 'CMD');
  return JSON.parse(cmd!.getArgumentsContent()!) as string[];
}

/**
 * What the runtime stage of `project`'s Dockerfile builds, made in `root` without Docker: its
 * WORKDIR, COPY and RUN lines in order. `COPY --from=build` takes the project's own build output
 * (`dist/`, which the caller built). Returns the working directory the CMD runs in.
 */
export function replayRuntimeStage(project: string, root: string): string {
  let workdir = root;
  for (const instruction of stages(readDockerfile(project)).get('runtime')!) {
    const keyword = instruction.getKeyword();
    const args = argumentsOf(instruction);
    if (keyword === 'WORKDIR') mkdirSync((workdir = join(root, args[0])), { recursive: true });
    if (instruction instanceof Copy) copy(project, workdir, instruction, args);
    if (keyword === 'RUN') run(workdir, instruction.getArgumentsContent()!);
  }
  return workdir;
}

function copy(project: string, workdir: string, instruction: Copy, args: string[]): void {
  const destination = join(workdir, args.at(-1)!);
  if (instruction.getFromFlag()) {
    cpSync(join(project, 'dist'), destination, { recursive: true });
    return;
  }
  for (const source of args.slice(0, -1)) cpSync(join(project, source), join(destination, source));
}

/** Each `&&` part but the cache clean, which would empty the machine's shared npm cache. */
function run(workdir: string, line: string): void {
  for (const command of line.split('&&').map((part) => part.trim())) {
    if (command.startsWith('npm cache')) continue;
    const [program, ...args] = command.split(/\s+/);
    execFileSync(program, [...args, '--prefer-offline', '--loglevel=error'], { cwd: workdir, stdio: 'pipe' });
  }
}
