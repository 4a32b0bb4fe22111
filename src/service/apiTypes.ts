// The types of the service's answers, derived from the zod schemas each route declares as its response
// (src/service/responseSchemas.ts): the dashboard imports them from here (web/src through the `@api` path), so
// its types are the service's, not a copy kept by hand. Types only: nothing here reaches the page's bundle.
import type { z } from 'zod';
import type * as answers from './responseSchemas.js';

type Out<T extends z.ZodType> = z.output<T>;

export type NodeStatus = Out<typeof answers.nodeStatusSchema>;
export type Amounts = { im: number; mm: number };
/** A node's figures as /v1/margin and WebSocket updates carry them (with the capital its netting frees). */
export type NodeFigures = Out<typeof answers.nodeMarginSchema>;
export type MarginList = Out<typeof answers.marginListSchema>;
export type Component = Out<typeof answers.componentSchema>;
export type Contribution = Out<typeof answers.contributionSchema>;
export type UnderlyingRisk = Out<typeof answers.underlyingRiskSchema>;
export type NodeExplain = Out<typeof answers.nodeExplainSchema>;
export type NodeDetail = Out<typeof answers.nodeDetailSchema>;
export type NodeMarginAnswer = Out<typeof answers.nodeMarginAnswerSchema>;
export type LiquidationPoint = Out<typeof answers.liquidationPointSchema>;
export type LiquidationAnswer = Out<typeof answers.liquidationAnswerSchema>;
export type HistoryRow = Out<typeof answers.historyRowSchema>;
export type HistoryAnswer = Out<typeof answers.historyAnswerSchema>;
export type CollateralLine = Out<typeof answers.collateralLineSchema>;
export type NodeCollateral = Out<typeof answers.nodeCollateralAnswerSchema>;
export type Alert = Out<typeof answers.alertSchema>;
export type AlertsAnswer = Out<typeof answers.alertsAnswerSchema>;
export type NodeChange = Out<typeof answers.nodeChangeSchema>;
export type WhatIfAnswer = Out<typeof answers.whatIfAnswerSchema>;
export type StressAnswer = Out<typeof answers.stressAnswerSchema>;
export type AllocationAnswer = Out<typeof answers.allocationAnswerSchema>;
export type ScenarioGrid = Out<typeof answers.scenarioGridSchema>;
export type ScenarioGridsAnswer = Out<typeof answers.scenarioGridsAnswerSchema>;
export type LadderPoint = Out<typeof answers.ladderPointSchema>;
export type Ladder = Out<typeof answers.ladderAnswerSchema>;
export type CascadeAnswer = Out<typeof answers.cascadeAnswerSchema>;
export type CascadeRound = CascadeAnswer['rounds'][number];
export type Transfer = Out<typeof answers.transferSchema>;
export type CollateralAnswer = Out<typeof answers.collateralAnswerSchema>;
export type Account = Out<typeof answers.accountSchema>;
export type AccountList = Out<typeof answers.accountListSchema>;
/** A node of the account tree (the schema writes children flat; they have this same shape). */
export type TreeNode = Omit<Out<typeof answers.treeNodeSchema>, 'children'> & { children: TreeNode[] };
export type TreeAnswer = { roots: TreeNode[] };
export type Instrument = Out<typeof answers.instrumentSchema>;
export type InstrumentList = Out<typeof answers.instrumentListSchema>;
export type Market = Out<typeof answers.marketAnswerSchema>;
export type EventAck = Out<typeof answers.eventAckSchema>;
export type EventList = Out<typeof answers.eventListSchema>;
export type ApiKey = Out<typeof answers.apiKeySchema>;
export type Webhook = Out<typeof answers.webhookSchema>;
/** Messages of the WebSocket /v1/ws. */
export type LiveMessage = Out<typeof answers.liveMessageSchema>;
