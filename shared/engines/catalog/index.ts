/** @module catalog — topics, tags (scenarios), subscriber groups and functions, as validated data. */
export { Catalog, catalog, loadCatalog } from './Catalog';
export type { ResolvedMqTrigger, Subscription } from './Catalog';
export { CATALOG_DATA } from './catalogData';
export { UNDECIDED_POLICIES } from './schema';
export type { CatalogData, CatalogInput, FunctionDef, GroupDef, TagDef, TopicDef, TriggerDef, UndecidedPolicy } from './schema';
export { MATCH_ALL, matchesTag, parseTagExpression } from './tagExpression';
export type { TagExpression } from './tagExpression';

import { catalog } from './Catalog';

/** Topics and groups the local broker declares when it does not auto-create them. */
export function brokerResources(): { topics: string[]; groups: string[] } {
  return catalog().brokerResources();
}
