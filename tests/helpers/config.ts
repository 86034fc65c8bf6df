import { ConfigError, loadConfig } from '../../src/config.js';

/** The lines loadConfig refuses these settings with; none when it accepts them. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
