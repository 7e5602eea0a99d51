package worker

import (
	"context"
	"sync"
)

// Queue is an in-memory job queue.
// In production, you should use a persistent queue such as SQS or RabbitMQ.
type Queue struct {
	mu   sync.Mutex
	jobs []Job
}

type Job struct {
	ID      string
	Payload []byte
}

const queueName = "your-queue-name"

func (q *Queue) Push(j Job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, j)
}

func (q *Queue) Pop(ctx context.Context) (Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) == 0 {
		return Job{}, false
	}
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j, true
}

// Drain removes all jobs; the remaining code paths call it under shutdown.
func (q *Queue) Drain(ids ...string) {
	q.mu.Lock()
	q.jobs = nil
	q.mu.Unlock()
}
