import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The OASIS CAP 1.2 schema shipped in the repository (data/standards/cap). */
export const CAP_XSD = join(__dirname, '../../data/standards/cap/CAP-v1.2.xsd');

/**
 * Validates a document against the CAP 1.2 XSD with libxml2's xmllint (Debian libxml2-utils,
 * installed by infra/dev-services.sh): null when valid, else xmllint's messages.
 */
export function capSchemaErrors(xml: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'cap-xsd-'));
  const file = join(dir, 'alert.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', CAP_XSD, file], { stdio: 'pipe' });
    return null;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return e.stderr?.toString() || e.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
