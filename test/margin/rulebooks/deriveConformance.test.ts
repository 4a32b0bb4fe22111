// All of Derive's published PMRM_2 portfolio cases, when the shared reference folder is present (it is not part
// of the project, so without it this test says it skipped): every case must agree on IM, MM and MtM.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { casesFolder, CASES_FOLDER, describeFailure, runFolder } from '../../../scripts/conformance.js';

const folder = casesFolder();
const present = existsSync(folder);

it(
  "Derive's 139 PMRM_2 portfolio cases agree on IM, MM and MtM",
  { skip: present ? false : `${CASES_FOLDER} is absent` },
  () => {
    const reports = runFolder(folder);
    const failures = reports.filter((r) => !r.passed).map(describeFailure);
    assert.equal(reports.length, 139, `expected 139 cases in ${CASES_FOLDER}, found ${reports.length}`);
    assert.deepEqual(failures, []);
  },
);
