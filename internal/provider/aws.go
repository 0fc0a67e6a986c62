package provider

// AWS access of one provider instance (ARCHITECTURE.md section 4): one set of
// AWS clients per *ProviderData, built on first use from the provider settings
// and shared by the live reads of the data sources and by the fix resources.
// Nothing is contacted and no credentials are resolved until a request is made.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
)

// awsAccess is what one provider instance has built for talking to AWS.
type awsAccess struct {
	clientsOnce sync.Once
	clients     *awsread.Clients
	backend     *awsBackend // fix resources: uncached reader and writer on clients

	liveOnce sync.Once
	live     awsread.Reader // data sources: caching reader on clients
	liveErr  error
}

var (
	awsAccessesMu sync.Mutex
	awsAccesses   = map[*ProviderData]*awsAccess{}
)

// access returns the provider instance's AWS access (never nil; d must not be nil).
func (d *ProviderData) access() *awsAccess {
	awsAccessesMu.Lock()
	defer awsAccessesMu.Unlock()
	a, ok := awsAccesses[d]
	if !ok {
		a = &awsAccess{}
		awsAccesses[d] = a
	}
	return a
}

// sharedClients builds the clients and the fix resources' reader and writer once.
func (d *ProviderData) sharedClients() *awsAccess {
	a := d.access()
	a.clientsOnce.Do(func() {
		a.clients = awsread.NewClients(d.AWSSettings())
		a.backend = &awsBackend{clients: a.clients, r: awsread.NewLive(a.clients), w: awsread.NewLiveWriter(a.clients)}
	})
	return a
}

// AWSClients returns the AWS clients for the provider settings, built on
// first use and shared by every data source and resource of this provider
// instance.
func (d *ProviderData) AWSClients() (*awsread.Clients, error) {
	b, err := backendFor(d)
	if err != nil {
		return nil, err
	}
	return b.clients, nil
}

// AWSSettings converts the provider settings for internal/awsread.
func (d *ProviderData) AWSSettings() awsread.Settings {
	s := awsread.Settings{
		Region:                   d.Region,
		Profile:                  d.Profile,
		SharedConfigFiles:        d.SharedConfigFiles,
		SharedCredentialsFiles:   d.SharedCredentialsFiles,
		Endpoints:                d.Endpoints,
		S3UsePathStyle:           d.S3UsePathStyle,
		ReadOrganizationPolicies: d.ReadOrganizationPolicies,
	}
	if d.AssumeRole != nil {
		s.AssumeRole = &awsread.AssumeRole{RoleARN: d.AssumeRole.RoleARN, SessionName: d.AssumeRole.SessionName, ExternalID: d.AssumeRole.ExternalID}
	}
	return s
}

// liveReaderOnce returns the caching reader for live reads, built once on the
// shared clients after checking the settings and that credentials resolve.
// d must be configured with every setting known (liveReader checks that).
func (d *ProviderData) liveReaderOnce(ctx context.Context) (awsread.Reader, error) {
	a := d.access()
	a.liveOnce.Do(func() {
		if err := d.AWSSettings().Validate(); err != nil {
			a.liveErr = fmt.Errorf("the provider settings cannot be used for live reads: %w", err)
			return
		}
		c := d.sharedClients().clients
		cfg, err := c.Config(context.WithoutCancel(ctx))
		if err != nil {
			a.liveErr = fmt.Errorf("the AWS configuration cannot be loaded for live reads: %w", err)
			return
		}
		if cfg.Credentials == nil {
			a.liveErr = errors.New(noCredentials)
			return
		}
		if _, err := cfg.Credentials.Retrieve(context.WithoutCancel(ctx)); err != nil {
			a.liveErr = fmt.Errorf("%s (%v)", noCredentials, err)
			return
		}
		a.live = awsread.NewCached(awsread.NewLive(c), liveMaxConcurrentReads)
	})
	return a.live, a.liveErr
}
