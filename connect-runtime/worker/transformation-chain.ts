/**
 * A connector's Single Message Transforms applied in order (Kafka's TransformationChain): each stage runs its
 * transformation unless its predicate (negated when asked) says otherwise; a stage that returns null drops the
 * record and ends the chain. Built once per task from the connector config through the plugin registry.
 */
import type { ConnectRecord, Predicate, Transformation } from '../api';
import { transformStages, type PluginRegistry } from '../plugins';

interface Stage<R extends ConnectRecord<R>> {
  transformation: Transformation<R>;
  predicate: Predicate<R> | null;
  negate: boolean;
}

export class TransformationChain<R extends ConnectRecord<R>> {
  private constructor(private readonly stages: readonly Stage<R>[], private readonly predicates: readonly Predicate<R>[]) {}

  static empty<R extends ConnectRecord<R>>(): TransformationChain<R> {
    return new TransformationChain<R>([], []);
  }

  /** Instantiates and configures every transformation and predicate the config names; throws on a bad config. */
  static fromConfig<R extends ConnectRecord<R>>(registry: PluginRegistry, config: Readonly<Record<string, string>>): TransformationChain<R> {
    const specs = transformStages(config);
    const predicates = new Map<string, Predicate<R>>();
    for (const spec of specs.predicates.values()) {
      const predicate = registry.newPredicate<R>(spec.type);
      predicate.configure(spec.configs);
      predicates.set(spec.alias, predicate);
    }
    const stages = specs.stages.map((spec): Stage<R> => {
      const transformation = registry.newTransformation<R>(spec.type);
      transformation.configure(spec.configs);
      return { transformation, predicate: spec.predicate === null ? null : predicates.get(spec.predicate)!, negate: spec.negate };
    });
    return new TransformationChain(stages, [...predicates.values()]);
  }

  get isEmpty(): boolean {
    return this.stages.length === 0;
  }

  /** The transformed record, or null when a stage dropped it. */
  apply(record: R): R | null {
    let current: R | null = record;
    for (const stage of this.stages) {
      if (stage.predicate && stage.predicate.test(current) === stage.negate) continue;
      current = stage.transformation.apply(current);
      if (current === null) return null;
    }
    return current;
  }

  close(): void {
    for (const stage of this.stages) stage.transformation.close();
    for (const predicate of this.predicates) predicate.close();
  }
}
