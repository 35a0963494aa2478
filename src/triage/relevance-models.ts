import type { RelevanceModel } from './relevance.js'

// Written by `npm run calibrate:relevance` (eval/relevance/calibrate.ts); do not edit by hand.
// One model per embedding space it was fitted in; spaces without one keep the similarity threshold.
export const relevanceModels: readonly RelevanceModel[] = [
  {
    spaceId: 'hashing:nordic-hash-v1:1024',
    features: ['similarity', 'fusedScore', 'vectorRankInverse', 'textRankInverse', 'bothTop2', 'similarityLead', 'titleWordsInQuestion'],
    weights: [1.455965, 0.520852, 3.187384, 3.991423, -0.123792, 5.580843, -0.170819],
    bias: -6.795326,
    fittedOn: {
      script: 'eval/relevance/calibrate.ts',
      own: {
        file: 'eval/cases.jsonl',
        sha256: '8ae4648c0813',
        questions: 254,
      },
      adobe: {
        file: 'shared/data/kb-adobe-commerce.jsonl',
        sha256: '114fc04119e0',
        questions: 426,
      },
      hits: 4080,
    },
  },
]
