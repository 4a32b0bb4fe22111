// Public API of the settlement layer: a cycle is parsed, settled, committed, signed, proved and verified. The byte
// encoding, the sum tree and the netting steps stay internal: an independent verifier follows docs/settlement.md,
// and verifySettlement is the reference for it.
export { cycleSchema, parseCycle, type Cycle, type CycleInput, type CycleParticipant } from './cycle.js';
export { settleCycle, type CycleSettlement, type SettleOptions } from './settle.js';
export { settlementReport, type SettlementReport } from './report.js';
export { cycleFlows, type Flow, type FlowContext, type FlowKind } from './flows.js';
export { settlementParticipants, type SettlementParticipant } from './participants.js';
export { expiryPayoff, fundingAmount, type AssetAmount } from './payoffs.js';
export {
  EXACT_TRANSFER_LIMIT,
  settlementTransfers,
  type NetAmount,
  type SettlementTransfer,
} from './transfers.js';
export {
  certificateBody,
  commitCycle,
  inclusionProof,
  type CycleCommitment,
  type CycleMeta,
  type ParticipantStatement,
} from './commit.js';
export {
  CERTIFICATE_FORMAT,
  certificateId,
  certificateToJson,
  fromHex,
  parseCertificate,
  signCertificate,
  toHex,
  type CertificateJson,
} from './certificate.js';
export { parseProof, PROOF_FORMAT, proofToJson, type ProofJson } from './proof.js';
export {
  certificateProblem,
  inclusionProblem,
  verifySettlement,
  type Verification,
  type VerifyInput,
} from './verify.js';
export type {
  CertificateBody,
  InclusionProof,
  ProofStep,
  SignatureVerifier,
  SignedCertificate,
  Signer,
} from './types.js';
export {
  floatToUnits,
  formatUnits,
  parseExactDecimal,
  parseUnits,
  type AssetUnit,
  type ExactDecimal,
} from './units.js';
