package authz

import "sort"

// NewContext returns an empty request context.
func NewContext() *Context {
	return &Context{m: map[string]Value{}, names: map[string]string{}}
}

// NewContextSize returns an empty request context with room for n keys
// (the same as NewContext, without map growth while it fills).
func NewContextSize(n int) *Context {
	return &Context{m: make(map[string]Value, n), names: make(map[string]string, n)}
}

// NewOverlay returns a context that reads through to parent: keys set on the
// overlay hide parent's value for the same key; every other key reads as in
// parent. It is a cheap alternative to parent.Clone() followed by Set calls
// when only a few keys change. parent must not be modified while the overlay
// is in use (the overlay never modifies parent; Delete of a parent key copies
// parent's keys into the overlay first).
func NewOverlay(parent *Context) *Context {
	return &Context{m: make(map[string]Value, 8), names: make(map[string]string, 8), parent: parent}
}

// lowerASCII reports whether s needs lower-casing and writes the lower-cased
// form into buf when it fits. Keys are ASCII in practice; non-ASCII bytes are
// kept as they are.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func toLowerASCII(s string) string {
	if !hasUpper(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Set stores a single-valued key. Passing several values stores them as a
// multivalued key (a single-valued key cannot hold more than one value);
// passing no value removes the key. The key is case-insensitive, including
// the tag-key part of aws:PrincipalTag/<k> and similar keys (spec 6.6).
func (c *Context) Set(key string, values ...string) {
	if len(values) == 0 {
		c.Delete(key)
		return
	}
	c.put(key, Value{Values: append([]string(nil), values...), Multi: len(values) > 1})
}

// SetMulti stores a multivalued key (ArrayOf... types such as aws:TagKeys,
// s3:RequestObjectTagKeys, aws:PrincipalOrgPaths). An empty list is a
// present but empty set.
func (c *Context) SetMulti(key string, values ...string) {
	c.put(key, Value{Values: append([]string{}, values...), Multi: true})
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	if c == nil || c.m == nil {
		return
	}
	lk := toLowerASCII(key)
	if c.parent != nil {
		if _, ok := c.parent.getLower(lk); ok {
			c.flatten()
		}
	}
	delete(c.m, lk)
	delete(c.names, lk)
}

// flatten copies the parent chain's keys into c and drops the parent (the
// first spelling of a key is the ancestor's, as with Clone then Set).
func (c *Context) flatten() {
	if c.parent == nil {
		return
	}
	f := c.parent.Clone()
	for lk, v := range c.m {
		f.m[lk] = v
		if _, ok := f.names[lk]; !ok {
			f.names[lk] = c.names[lk]
		}
	}
	c.m, c.names, c.parent = f.m, f.names, nil
}

func (c *Context) put(key string, v Value) {
	if c.m == nil {
		c.m = map[string]Value{}
		c.names = map[string]string{}
	}
	lk := toLowerASCII(key)
	c.m[lk] = v
	if _, ok := c.names[lk]; !ok {
		c.names[lk] = key
	}
}

// Get looks a key up case-insensitively (in an overlay, then in its
// parents). It does not allocate.
func (c *Context) Get(key string) (Value, bool) {
	if c == nil {
		return Value{}, false
	}
	if !hasUpper(key) {
		return c.getLower(key)
	}
	var buf [128]byte
	if len(key) > len(buf) {
		return c.getLower(toLowerASCII(key))
	}
	b := buf[:len(key)]
	for i := 0; i < len(key); i++ {
		ch := key[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		b[i] = ch
	}
	for x := c; x != nil; x = x.parent {
		if v, ok := x.m[string(b)]; ok {
			return v, true
		}
	}
	return Value{}, false
}

// getLower looks up a key already lower-cased (in an overlay, then in its parents).
func (c *Context) getLower(lk string) (Value, bool) {
	for x := c; x != nil; x = x.parent {
		if v, ok := x.m[lk]; ok {
			return v, true
		}
	}
	return Value{}, false
}

// Keys returns the keys present, with the spelling first used, sorted
// case-insensitively.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	if c.parent != nil {
		return c.Clone().Keys()
	}
	lks := make([]string, 0, len(c.m))
	for lk := range c.m {
		lks = append(lks, lk)
	}
	sort.Strings(lks)
	out := make([]string, len(lks))
	for i, lk := range lks {
		out[i] = c.names[lk]
	}
	return out
}

// Clone returns a deep copy.
func (c *Context) Clone() *Context {
	if c == nil {
		return NewContext()
	}
	if c.parent != nil {
		n := c.parent.Clone()
		for lk, v := range c.m {
			n.m[lk] = Value{Values: append([]string(nil), v.Values...), Multi: v.Multi}
			if _, ok := n.names[lk]; !ok {
				n.names[lk] = c.names[lk]
			}
		}
		return n
	}
	n := NewContextSize(len(c.m))
	for lk, v := range c.m {
		n.m[lk] = Value{Values: append([]string(nil), v.Values...), Multi: v.Multi}
		n.names[lk] = c.names[lk]
	}
	return n
}

// Len returns the number of keys.
func (c *Context) Len() int {
	if c == nil {
		return 0
	}
	if c.parent != nil {
		return c.Clone().Len()
	}
	return len(c.m)
}

// FillPrincipalKeys sets the principal-derived global keys of spec 6.7/6.8
// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username,
// aws:PrincipalIsAWSService, aws:PrincipalServiceName) when they are absent;
// keys the caller already set are kept. Role sessions get the role ARN in
// aws:PrincipalArn (spec 1.4), never the session ARN.
func (c *Context) FillPrincipalKeys(p Principal) {
	setIf := func(k, v string) {
		if _, ok := c.Get(k); !ok && v != "" {
			c.Set(k, v)
		}
	}
	switch p.Kind {
	case Anonymous:
		setIf("aws:PrincipalAccount", "anonymous")
		setIf("aws:PrincipalType", "Anonymous")
		setIf("aws:userid", "anonymous")
		return
	case Service:
		setIf("aws:PrincipalIsAWSService", "true")
		setIf("aws:PrincipalServiceName", p.ServiceName)
		return
	}
	setIf("aws:PrincipalIsAWSService", "false")
	setIf("aws:PrincipalAccount", p.Account)
	switch p.Kind {
	case Root:
		setIf("aws:PrincipalArn", p.ARN)
		setIf("aws:PrincipalType", "Account")
		setIf("aws:userid", p.Account)
	case IAMUser:
		setIf("aws:PrincipalArn", p.ARN)
		setIf("aws:PrincipalType", "User")
		setIf("aws:username", p.UserName)
	case RoleSession, Role:
		setIf("aws:PrincipalArn", p.RoleARN)
		setIf("aws:PrincipalType", "AssumedRole")
	case FederatedUser:
		setIf("aws:PrincipalArn", p.ARN)
		setIf("aws:PrincipalType", "FederatedUser")
		if p.UserName != "" {
			setIf("aws:userid", p.Account+":"+p.UserName)
		}
	}
}
