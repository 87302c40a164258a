package aws

import (
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

// accountParts are the pieces of the aws.account asset, filled by several
// services while the account is scanned.
type accountParts struct {
	Target              target
	PasswordPolicy      *awsshape.PasswordPolicy
	AccountSummary      map[string]int64
	Root                awsshape.RootCredentials
	S3PublicAccessBlock *awsshape.PublicAccessBlock
	Regions             map[string]*awsshape.AccountRegion
	Trails              map[string]awsshape.Trail // by ARN
	Errors              []asset.FieldError
}

// accountBuilder gathers accountParts from concurrent units.
type accountBuilder struct {
	mu sync.Mutex
	p  accountParts
}

func newAccountBuilder(t target) *accountBuilder {
	return &accountBuilder{p: accountParts{
		Target:  t,
		Regions: map[string]*awsshape.AccountRegion{},
		Trails:  map[string]awsshape.Trail{},
	}}
}

func (b *accountBuilder) with(fn func(p *accountParts)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn(&b.p)
}

func (b *accountBuilder) setRegions(regions []string) {
	b.with(func(p *accountParts) {
		for _, r := range regions {
			if p.Regions[r] == nil {
				p.Regions[r] = &awsshape.AccountRegion{Region: r}
			}
		}
	})
}

func (b *accountBuilder) region(p *accountParts, r string) *awsshape.AccountRegion {
	ar := p.Regions[r]
	if ar == nil {
		ar = &awsshape.AccountRegion{Region: r}
		p.Regions[r] = ar
	}
	return ar
}

func (b *accountBuilder) setEBS(r string, on bool) {
	b.with(func(p *accountParts) { b.region(p, r).EbsEncryptionByDefault = on })
}

func (b *accountBuilder) setRecorders(r string, recs []awsshape.ConfigRecorder) {
	b.with(func(p *accountParts) { b.region(p, r).ConfigurationRecorders = recs })
}

func (b *accountBuilder) setDetectors(r string, ds []awsshape.GuardDutyDetector) {
	b.with(func(p *accountParts) { b.region(p, r).GuardDutyDetectors = ds })
}

func (b *accountBuilder) setPasswordPolicy(pp *awsshape.PasswordPolicy) {
	b.with(func(p *accountParts) { p.PasswordPolicy = pp })
}

func (b *accountBuilder) setSummary(s map[string]int64) {
	b.with(func(p *accountParts) { p.AccountSummary = s })
}

func (b *accountBuilder) setRoot(root awsshape.RootCredentials) {
	b.with(func(p *accountParts) { p.Root = root })
}

func (b *accountBuilder) setS3PAB(pab *awsshape.PublicAccessBlock) {
	b.with(func(p *accountParts) { p.S3PublicAccessBlock = pab })
}

func (b *accountBuilder) addTrail(t awsshape.Trail) {
	b.with(func(p *accountParts) { p.Trails[t.TrailARN] = t })
}

// fail records that the part at path could not be collected.
func (b *accountBuilder) fail(path, action string, err error) {
	fe := fieldErrorOf(err, path, classify(err))
	if fe.Action == "" {
		fe.Action = action
	}
	b.addError(fe)
}

// failRegion records a regional part that could not be collected; the
// path is Regions, and the message names the region and the part.
func (b *accountBuilder) failRegion(region, part string, err error) {
	fe := fieldErrorOf(err, "Regions", classify(err))
	fe.Message = region + " " + part + ": " + fe.Message
	b.addError(fe)
}

func (b *accountBuilder) addError(fe asset.FieldError) {
	b.with(func(p *accountParts) { p.Errors = append(p.Errors, fe) })
}

// snapshot copies the parts for adaptAccount.
func (b *accountBuilder) snapshot() accountParts {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.p
	p.Regions = map[string]*awsshape.AccountRegion{}
	for k, v := range b.p.Regions {
		cp := *v
		p.Regions[k] = &cp
	}
	p.Trails = maps.Clone(b.p.Trails)
	p.Errors = slices.Clone(b.p.Errors)
	return p
}

// adaptAccount builds the aws.account asset. extra holds errors for parts
// that were not collected on purpose (unselected services).
func adaptAccount(m meta, p accountParts, extra []asset.FieldError) (asset.Asset, error) {
	shape := awsshape.Account{
		AccountId:           p.Target.ID,
		AccountName:         p.Target.Name,
		Email:               p.Target.Email,
		OrganizationId:      p.Target.OrgID,
		PasswordPolicy:      p.PasswordPolicy,
		AccountSummary:      p.AccountSummary,
		Root:                p.Root,
		S3PublicAccessBlock: p.S3PublicAccessBlock,
	}
	if shape.AccountSummary == nil {
		shape.AccountSummary = map[string]int64{}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Regions)) {
		shape.Regions = append(shape.Regions, *p.Regions[name])
	}
	for _, arn := range slices.Sorted(maps.Keys(p.Trails)) {
		shape.Trails = append(shape.Trails, p.Trails[arn])
	}
	errs := append(slices.Clone(p.Errors), extra...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	name := p.Target.Name
	if name == "" {
		name = p.Target.ID
	}
	m.Region = asset.Global
	return build(m, awsshape.TypeAccount, awsshape.AccountUID(p.Target.ID), name, nil, shape, nil, errs)
}

// emitAccount builds the account asset once every unit has finished. It
// is emitted when at least one service contributing to it was scanned;
// parts of unselected services carry a NotCollected error.
func (r *accountRun) emitAccount() {
	var extra []asset.FieldError
	contributed := false
	for _, s := range services {
		if len(s.account) == 0 {
			continue
		}
		if r.c.selected[s.name] {
			contributed = true
			continue
		}
		for _, path := range s.account {
			extra = append(extra, notCollected(path, s.name))
		}
	}
	if !contributed {
		return
	}
	r.unit(&discovery, "").emit(adaptAccount(r.meta(asset.Global), r.acct.snapshot(), extra))
}
