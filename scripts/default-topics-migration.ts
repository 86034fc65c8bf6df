/**
 * Writes the SQL that seeds the starting taxonomy (src/meetings/topics/taxonomy.ts)
 * into a custom drizzle migration:
 *   npx drizzle-kit generate --custom --name default_topics
 *   npx tsx scripts/default-topics-migration.ts migrations/NNNN_default_topics.sql
 * The migration is history once it has shipped: later rule changes are new
 * migrations (or operator edits through the API), never edits of this output.
 */
import { writeFileSync } from 'node:fs';
import { defaultTopics } from '../src/meetings/topics/taxonomy.js';

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

const statements = defaultTopics.flatMap((topic) => [
  `insert into "topics" ("slug", "name", "description", "threshold") values (${quote(topic.slug)}, ${quote(topic.name)}, ${quote(topic.description)}, ${topic.threshold}) on conflict ("slug") do nothing;`,
  `insert into "topic_rules" ("topic_id", "term", "weight") select t."id", r."term", r."weight" from "topics" t, (values ${topic.rules
    .map((rule) => `(${quote(rule.term)}, ${rule.weight}::real)`)
    .join(', ')}) as r("term", "weight") where t."slug" = ${quote(topic.slug)} on conflict ("topic_id", "term") do nothing;`,
]);

const target = process.argv[2];
if (!target) {
  console.error('usage: tsx scripts/default-topics-migration.ts migrations/NNNN_default_topics.sql');
  process.exit(2);
}
writeFileSync(target, `-- The starting topic taxonomy, generated from src/meetings/topics/taxonomy.ts.\n${statements.join('\n--> statement-breakpoint\n')}\n`);
console.log(`wrote ${defaultTopics.length} topics to ${target}`);
