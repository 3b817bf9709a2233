/**
 * The classic group protocol's states and the transitions Kafka allows between them
 * (ClassicGroupState): a transition not listed here is a coordinator bug and throws.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** For each state, the states a group may enter it from. */
const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

export class IllegalStateTransition extends Error {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(`group ${groupId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalStateTransition';
  }
}
