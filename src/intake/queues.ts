/** The job queues of the webhook flow: a received inquiry is triaged, then its result is written back. */
export const triageQueue = 'triage'
export const writeBackQueue = 'write-back'
