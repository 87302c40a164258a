package cli

import (
	"io"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// progress draws the collection progress on a terminal; on anything else
// (CI logs, pipes) it stays silent so output stays clean.
type progress struct {
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	planned int
	done    int
}

func newProgress(w io.Writer, enabled bool) *progress {
	p := &progress{}
	if enabled {
		p.bar = progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("collecting"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100_000_000),
		)
	}
	return p
}

// update takes the collector's deltas: planned units of work added, and
// units completed.
func (p *progress) update(planned, done int) {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if planned != 0 {
		p.planned += planned
		p.bar.ChangeMax(p.planned)
	}
	if done != 0 {
		p.done += done
		_ = p.bar.Set(p.done)
	}
}

func (p *progress) finish() {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
}
