/** A problem found in a model or an input, located by a JSON path. */
/** One thing wrong with a model, located by a JSON path such as `$.fit.criteria[2].points`. */
export interface ModelProblem {
  path: string;
  message: string;
}
