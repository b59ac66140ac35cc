import type { Command } from '../types';
import { buildCommand } from './build';
import { indexValidateCommand } from './index-validate';
import { keysGenerateEcdsaCommand } from './keys-generate-ecdsa';
import { keysCommand } from './keys';
import { lintCommand } from './lint';
import { runCommand } from './run';
import { sampleCommand } from './sample';
import { scanCommand } from './scan';
import { serveCommand } from './serve';
import { verifyCommand } from './verify';

/** Every `ccp` command, in the order `ccp --help` lists them. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  buildCommand,
  serveCommand,
  indexValidateCommand,
  lintCommand,
  scanCommand,
  sampleCommand,
  keysGenerateEcdsaCommand,
  keysCommand,
  verifyCommand,
];
