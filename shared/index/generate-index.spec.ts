import { DependencyGraph } from '../graph/dependency-graph';
import { generateIndex, GENERATED_EXTERNAL_PARENT } from './generate-index';
import { validateIndexTexts } from './validate-texts';

describe('generateIndex', () => {
  it('makes a valid index whose root has the asked number of descendants within the depth', () => {
    const generated = generateIndex({ projects: 600, files: 7, chainDepth: 5, rootFamilySize: 201 });
    const index = validateIndexTexts(generated.texts);
    expect(index.errors).toEqual([]);
    expect(index.warnings).toEqual([]);
    expect(index.files).toHaveLength(7);
    expect(index.projects).toHaveLength(600);

    const graph = new DependencyGraph(index.projects);
    expect(graph.descendants(generated.root)).toHaveLength(200);
    const plan = graph.rebuildPlan([generated.root]);
    expect(plan).toHaveLength(5);
    expect(plan.flat()).toHaveLength(201);
    expect(Math.max(...generated.names.map((name) => graph.depth(name)!))).toEqual(5);
    // Below the second level, most images have two parents (all but the first parent's children).
    const twoParents = plan[2]!.filter((name) => graph.parents(name).length === 2);
    expect(twoParents.length).toBeGreaterThan(plan[2]!.length / 2);
    // The other 399 images form chains of 5 (the last one shorter), each root on the external image.
    expect(graph.children(GENERATED_EXTERNAL_PARENT)).toHaveLength(80);
  });

  it('is deterministic', () => {
    expect(generateIndex({ projects: 50, files: 3, rootFamilySize: 10 })).toEqual(generateIndex({ projects: 50, files: 3, rootFamilySize: 10 }));
  });
});
