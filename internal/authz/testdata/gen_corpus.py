#!/usr/bin/env python3
"""Generates testdata/corpus/*.json: the scenario cases of spec section 7
(/work/shared/spec/s3-authz.md) that the generic evaluator decides alone.
Run from internal/authz: python3 testdata/gen_corpus.py. Output is committed;
tests never read the spec."""
import json, os

A, B, C, M = "111111111111", "222222222222", "333333333333", "444444444444"
uA = f"arn:aws:iam::{A}:user/alice"; rA = f"arn:aws:iam::{A}:role/app"
sA = f"arn:aws:sts::{A}:assumed-role/app/s1"; fA = f"arn:aws:sts::{A}:federated-user/alice"
rootA = f"arn:aws:iam::{A}:root"; uB = f"arn:aws:iam::{B}:user/bob"
sB = f"arn:aws:sts::{B}:assumed-role/app/s1"; rootB = f"arn:aws:iam::{B}:root"
uC = f"arn:aws:iam::{C}:user/carol"; uM = f"arn:aws:iam::{M}:user/mallory"
OBJ = "arn:aws:s3:::bkt/k"; BKT = "arn:aws:s3:::bkt"

def pol(*stmts, version="2012-10-17"):
    d = {"Statement": list(stmts)}
    if version:
        d = {"Version": version, "Statement": list(stmts)}
    return d

def st(effect, action, resource, principal=None, cond=None, notprincipal=None, notaction=None, notresource=None, sid=None):
    s = {}
    if sid: s["Sid"] = sid
    s["Effect"] = effect
    if principal is not None: s["Principal"] = principal
    if notprincipal is not None: s["NotPrincipal"] = notprincipal
    if notaction is not None: s["NotAction"] = notaction
    else: s["Action"] = action
    if notresource is not None: s["NotResource"] = notresource
    else: s["Resource"] = resource
    if cond: s["Condition"] = cond
    return s

def aws(*p): return {"AWS": list(p) if len(p) > 1 else p[0]}

FULL = pol(st("Allow", "*", "*"))
RCPFULL = pol(st("Allow", "*", "*", principal="*"))
ID_GET = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*"))
ID_ALL = pol(st("Allow", "s3:*", "*"))

cases = {}
def case(section, id, principal, action, resource=OBJ, resource_account=A, expect=None, layer=None, note="", **kw):
    c = {"id": id, "spec": section, "note": note, "principal": principal, "action": action,
         "resource": resource, "resource_account": resource_account}
    c.update(kw)
    c["expect"] = {"decision": expect, "layer": layer}
    cases.setdefault(section, []).append(c)

# ---- 7.3 core identity/resource combination
s = "7.3"
case(s, "T01", uA, "s3:GetObject", identity=[ID_GET], expect="allowed", layer="identity")
case(s, "T02", uA, "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uA))), expect="allowed", layer="bucket_policy")
case(s, "T03", uA, "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(A))), expect="implicit_deny", layer="identity")
case(s, "T04", uA, "s3:GetObject", identity=[ID_ALL], resource_policy=pol(st("Deny", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*")), expect="explicit_deny", layer="bucket_policy")
case(s, "T05", uA, "s3:GetObject", identity=[pol(st("Deny", "s3:*", "*"))], resource_policy=pol(st("Allow", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal=aws(uA))), expect="explicit_deny", layer="identity")
case(s, "T06", uA, "s3:ListBucket", resource=BKT, expect="implicit_deny", layer="identity")
case(s, "T07", uB, "s3:GetObject", identity=[ID_GET], expect="implicit_deny", layer="bucket_policy")
case(s, "T08", uB, "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uB))), expect="implicit_deny", layer="identity")
case(s, "T09", uB, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(B))), expect="allowed", layer="bucket_policy", note="spec layer: both; cross-account grants report the resource side")
case(s, "T10", uB, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*")), expect="allowed", layer="bucket_policy", note="spec layer: both")
case(s, "T11", uB, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws("*"))), expect="allowed", layer="bucket_policy", note="spec layer: both")
case(s, "T12", uB, "s3:PutObject", resource="arn:aws:s3:::prod-logs/f",
     identity=[pol(st("Allow", "s3:*Object*", "arn:aws:s3:::prod/*"), st("Deny", "s3:*", ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"]))],
     resource_policy=pol(st("Allow", "s3:PutObject", "arn:aws:s3:::prod-logs/*", principal=aws(uB))), expect="explicit_deny", layer="identity")

# ---- 7.4 sessions, boundaries, session policies
s = "7.4"
BP_rA = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(rA)))
BP_sA = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(sA)))
BP_uA = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uA)))
PB_LIST = pol(st("Allow", "s3:ListBucket", "*"))
SP_LIST = pol(st("Allow", "s3:ListBucket", "*"))
case(s, "T13", sA, "s3:GetObject", resource_policy=BP_rA, expect="allowed", layer="bucket_policy")
case(s, "T14", sA, "s3:GetObject", resource_policy=BP_rA, boundary=PB_LIST, expect="implicit_deny", layer="permissions_boundary")
case(s, "T15", sA, "s3:GetObject", resource_policy=BP_sA, boundary=PB_LIST, expect="allowed", layer="bucket_policy")
case(s, "T16", uA, "s3:GetObject", resource_policy=BP_uA, boundary=PB_LIST, expect="allowed", layer="bucket_policy")
case(s, "T17", uA, "s3:GetObject", identity=[ID_GET], boundary=PB_LIST, expect="implicit_deny", layer="permissions_boundary")
case(s, "T18", sA, "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*", cond={"ArnEquals": {"aws:PrincipalArn": rA}})), boundary=PB_LIST, expect="allowed", layer="bucket_policy")
case(s, "T19", sA, "s3:GetObject", identity=[ID_GET], session_policy=SP_LIST, expect="implicit_deny", layer="session_policy")
case(s, "T20", sA, "s3:GetObject", resource_policy=BP_rA, session_policy=SP_LIST, expect="implicit_deny", layer="session_policy")
case(s, "T21", sA, "s3:GetObject", resource_policy=BP_sA, session_policy=SP_LIST, expect="allowed", layer="bucket_policy", note="AWS docs; iam-simulate differs (spec 8.1.1)")
case(s, "T22", fA, "s3:GetObject", resource_policy=BP_uA, session_policy=SP_LIST, expect="implicit_deny", layer="session_policy")
case(s, "T23", fA, "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(fA))), session_policy=SP_LIST, expect="allowed", layer="bucket_policy")
case(s, "T24", sA, "s3:GetObject", resource_policy=BP_sA, boundary=pol(st("Allow", "*", "*"), st("Deny", "s3:GetObject", "*")), expect="explicit_deny", layer="permissions_boundary")
case(s, "T25", uB, "s3:GetObject", identity=[ID_GET], boundary=PB_LIST, resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uB))), expect="implicit_deny", layer="permissions_boundary")
case(s, "T26", sB, "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(sB))), expect="implicit_deny", layer="identity")

# ---- 7.5 organizations
s = "7.5"
case(s, "T27", uA, "s3:GetObject", identity=[ID_GET], scps=[[FULL], [pol(st("Allow", "ec2:*", "*"))], [FULL]], expect="implicit_deny", layer="scp")
SCP_DENY_DEL = pol(st("Deny", "s3:DeleteObject", "*"))
case(s, "T28", uA, "s3:DeleteObject", identity=[ID_ALL], scps=[[FULL, SCP_DENY_DEL], [FULL], [FULL]], expect="explicit_deny", layer="scp")
case(s, "T29", uM, "s3:DeleteObject", resource_account=M, identity=[ID_ALL], scps=[[FULL, SCP_DENY_DEL], [FULL]], principal_flags={"management_account": True}, expect="allowed", layer="identity")
case(s, "T30", f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForX/s1", "s3:DeleteObject", identity=[ID_ALL], scps=[[FULL, SCP_DENY_DEL], [FULL], [FULL]], principal_flags={"service_linked_role": True}, expect="allowed", layer="identity")
case(s, "T31", uB, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uB))), scps=[], expect="allowed", layer="bucket_policy", note="A's SCPs are not uB's chain; uB is in no organization")
RCP32 = pol(st("Deny", "s3:*", "*", principal="*", cond={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}, "Bool": {"aws:PrincipalIsAWSService": "false"}}))
BP_uB = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uB)))
case(s, "T32", uB, "s3:GetObject", identity=[ID_GET], resource_policy=BP_uB, rcps=[[RCPFULL, RCP32], [RCPFULL], [RCPFULL]], expect="explicit_deny", layer="rcp")
case(s, "T33", "anonymous", "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*")), rcps=[[RCPFULL, RCP32], [RCPFULL], [RCPFULL]], expect="allowed", layer="bucket_policy")
case(s, "T34", uC, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uC))), rcps=[[RCPFULL, RCP32], [RCPFULL], [RCPFULL]], context={"aws:PrincipalOrgID": ["o-abc"]}, expect="allowed", layer="bucket_policy", note="spec layer: both")
case(s, "T35", uB, "s3:GetObject", resource_account=M, identity=[ID_GET], resource_policy=BP_uB, rcps=[[RCPFULL, RCP32], [RCPFULL]], rcp_exempt="resource in the management account", expect="allowed", layer="bucket_policy")
case(s, "T36", f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForX/s1", "s3:GetObject", identity=[ID_GET], rcps=[[RCPFULL, RCP32], [RCPFULL], [RCPFULL]], principal_flags={"service_linked_role": True}, expect="allowed", layer="identity")
case(s, "T37", "anonymous", "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*")),
     rcps=[[RCPFULL], [RCPFULL], [RCPFULL, pol(st("Deny", "s3:*", "*", principal="*", cond={"BoolIfExists": {"aws:SecureTransport": "false"}}))]],
     context={"aws:SecureTransport": ["false"]}, expect="explicit_deny", layer="rcp")
case(s, "T38", uA, "s3:GetObject", identity=[ID_GET], rcps=[[RCPFULL], [RCPFULL], [RCPFULL]], expect="allowed", layer="identity")

# ---- 7.6 network, VPC endpoint, transport
s = "7.6"
VIA = {"aws:SourceVpce": ["vpce-1a2b"], "aws:SourceVpc": ["vpc-1"], "aws:VpcSourceIp": ["10.0.0.5"]}
case(s, "T39", uA, "s3:GetObject", identity=[ID_GET], vpce=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::other/*", principal="*")), context=VIA, absent=["aws:SourceIp"], expect="implicit_deny", layer="vpc_endpoint")
case(s, "T40", uA, "s3:GetObject", identity=[ID_GET], vpce=pol(st("Allow", "s3:*", "*", principal=aws(A))), context=VIA, absent=["aws:SourceIp"], expect="implicit_deny", layer="vpc_endpoint")
case(s, "T41", uA, "s3:GetObject", resource_account=C, identity=[ID_ALL], vpce=pol(st("Allow", "s3:*", "*", principal="*", cond={"StringEquals": {"s3:ResourceAccount": A}})), context=dict(VIA, **{"s3:ResourceAccount": [C]}), absent=["aws:SourceIp"], expect="implicit_deny", layer="vpc_endpoint")
BP42 = pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal="*", cond={"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}))
case(s, "T42", uA, "s3:GetObject", identity=[ID_GET], resource_policy=BP42, expect="explicit_deny", layer="bucket_policy")
case(s, "T43", uA, "s3:GetObject", identity=[ID_GET], resource_policy=BP42, context={"aws:SourceIp": ["198.51.100.7"]}, expect="allowed", layer="identity")
case(s, "T44", uA, "s3:GetObject", identity=[ID_GET], resource_policy=BP42, context=VIA, absent=["aws:SourceIp"], expect="explicit_deny", layer="bucket_policy")
case(s, "T45", "anonymous", "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*", cond={"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}})), context=VIA, absent=["aws:SourceIp"], expect="implicit_deny", layer="bucket_policy")
case(s, "T46", uA, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal="*", cond={"Bool": {"aws:SecureTransport": "false"}})), context={"aws:SecureTransport": ["false"]}, absent=["s3:TlsVersion"], expect="explicit_deny", layer="bucket_policy")
case(s, "T47", uA, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Deny", "s3:*", "arn:aws:s3:::bkt/*", principal="*", cond={"NumericLessThan": {"s3:TlsVersion": 1.2}})), context={"s3:TlsVersion": ["1.1"]}, expect="explicit_deny", layer="bucket_policy")
case(s, "T48", uA, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal="*", cond={"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}})), expect="explicit_deny", layer="bucket_policy")

# ---- 7.7 root user
s = "7.7"
BP50 = pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal="*"))
case(s, "T49", rootA, "s3:GetObject", expect="allowed", layer="root")
case(s, "T50", rootA, "s3:GetObject", resource_policy=BP50, expect="explicit_deny", layer="bucket_policy")
case(s, "T51", rootA, "s3:PutBucketPolicy", resource=BKT, resource_policy=BP50, resource_deny_exempt=True, expect="allowed", layer="root", note="the S3 layer sets resource_deny_exempt for the owner's root on the bucket-policy APIs")
case(s, "T52", rootA, "s3:PutBucketPolicy", resource=BKT, resource_policy=BP50, resource_deny_exempt=True, scps=[[FULL], [FULL, pol(st("Deny", "s3:PutBucketPolicy", "*"))], [FULL]], expect="explicit_deny", layer="scp")
case(s, "T54", rootB, "s3:ListBucket", resource=BKT, resource_policy=pol(st("Allow", "s3:ListBucket", BKT, principal=aws(B))), expect="allowed", layer="bucket_policy")

# ---- 7.11 policy-language edge cases
s = "7.11"
def idc(id, principal, action, resource, identity, expect, **kw):
    case(s, id, principal, action, resource=resource, identity=[identity], expect=expect, layer=kw.pop("layer", "identity"), **kw)
idc("T108", uA, "s3:GetObject", OBJ, pol(st("Allow", "S3:getobject", "arn:aws:s3:::bkt/*")), "allowed")
idc("T109a", uA, "s3:GetObjectAcl", OBJ, pol(st("Allow", "s3:Get*Acl", "arn:aws:s3:::bkt/*")), "allowed")
idc("T109b", uA, "s3:GetObject", OBJ, pol(st("Allow", "s3:Get*Acl", "arn:aws:s3:::bkt/*")), "implicit_deny")
idc("T110", uA, "s3:GetObject", OBJ, pol(st("Allow", "s3:?etObject", "arn:aws:s3:::bkt/*")), "allowed")
idc("T111", uA, "s3:GetObject", "arn:aws:s3:::bkt/reports/q1", pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/Reports/*")), "implicit_deny")
idc("T112", uA, "s3:ListBucket", BKT, pol(st("Allow", "s3:ListBucket", "arn:aws:s3:::bkt/*")), "implicit_deny")
idc("T113", uA, "s3:GetObject", OBJ, pol(st("Allow", "s3:GetObject", BKT)), "implicit_deny")
idc("T114", uA, "s3:GetObject", "arn:aws:s3:::bkt-logs/2024/a", pol(st("Allow", "s3:*", "arn:aws:s3:::bkt*")), "allowed")
P115 = pol(st("Allow", "s3:*", "*"), st("Deny", "s3:*", None, notresource=[BKT, "arn:aws:s3:::bkt/*"]))
idc("T115a", uA, "s3:GetObject", "arn:aws:s3:::other/x", P115, "explicit_deny")
idc("T115b", uA, "s3:GetObject", "arn:aws:s3:::bkt/x", P115, "allowed")
P116 = pol(st("Allow", "s3:*", None, notresource="arn:aws:s3:::secret/*"))
idc("T116a", uA, "s3:GetObject", "arn:aws:s3:::secret/x", P116, "implicit_deny")
idc("T116b", uA, "s3:GetObject", "arn:aws:s3:::other/x", P116, "allowed")
P117 = pol(st("Allow", None, "*", notaction="s3:DeleteObject"))
idc("T117a", uA, "s3:DeleteObject", OBJ, P117, "implicit_deny")
idc("T117b", uA, "s3:GetObject", OBJ, P117, "allowed")
idc("T117c", uA, "iam:CreateUser", "arn:aws:iam::111111111111:user/x", P117, "allowed")
case(s, "T118", sA, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], notprincipal=aws(rA, rootA))), expect="explicit_deny", layer="bucket_policy", note="iam-simulate: allowed (spec 8.1.2)")
BP119 = pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], notprincipal=aws(uA, rootA)), st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal=aws(uB)))
case(s, "T119a", uA, "s3:GetObject", identity=[ID_GET], resource_policy=BP119, expect="allowed", layer="identity")
case(s, "T119b", uB, "s3:GetObject", identity=[ID_GET], resource_policy=BP119, expect="explicit_deny", layer="bucket_policy")
case(s, "T120", uA, "s3:GetObject", identity=[ID_GET], boundary=pol(st("Allow", "s3:*", "*")), resource_policy=BP119, expect="explicit_deny", layer="bucket_policy")
case(s, "T121", "anonymous", "s3:GetObject", resource_policy=pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", notprincipal=aws(uB))), expect="allowed", layer="bucket_policy")
P122 = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/home/${aws:username}/*"))
idc("T122a", uA, "s3:GetObject", "arn:aws:s3:::bkt/home/alice/x", P122, "allowed")
idc("T122b", uA, "s3:GetObject", "arn:aws:s3:::bkt/home/bob/x", P122, "implicit_deny")
case(s, "T123", sA, "s3:GetObject", resource="arn:aws:s3:::bkt/home/app/x", identity=[P122], expect="implicit_deny", layer="identity")
for ver, suf in (("2008-10-17", "a"), (None, "b")):
    P124 = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/home/${aws:username}/*"), version=ver)
    idc("T124" + suf, uA, "s3:GetObject", "arn:aws:s3:::bkt/home/alice/x", P124, "implicit_deny")
    idc("T124" + suf + "-literal", uA, "s3:GetObject", "arn:aws:s3:::bkt/home/${aws:username}/x", P124, "allowed")
P125 = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt-${aws:PrincipalTag/team, 'company-wide'}/*"))
idc("T125a", uA, "s3:GetObject", "arn:aws:s3:::bkt-company-wide/x", P125, "allowed")
idc("T125b", uA, "s3:GetObject", "arn:aws:s3:::bkt-red/x", P125, "allowed", context={"aws:PrincipalTag/team": ["red"]})
idc("T125c", uA, "s3:GetObject", "arn:aws:s3:::bkt-company-wide/x", P125, "implicit_deny", context={"aws:PrincipalTag/team": ["red"]})
P126 = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/${*}.txt"))
idc("T126a", uA, "s3:GetObject", "arn:aws:s3:::bkt/*.txt", P126, "allowed")
idc("T126b", uA, "s3:GetObject", "arn:aws:s3:::bkt/a.txt", P126, "implicit_deny")
P127 = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", cond={"StringEqualsIfExists": {"aws:PrincipalTag/team": "red"}}))
idc("T127a", uA, "s3:GetObject", OBJ, P127, "allowed")
idc("T127b", uA, "s3:GetObject", OBJ, P127, "implicit_deny", context={"aws:PrincipalTag/team": ["blue"]})
idc("T128", uA, "s3:GetObject", OBJ, pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", cond={"StringNotEquals": {"aws:PrincipalTag/team": "red"}})), "allowed")
idc("T129", uA, "s3:GetObject", OBJ, pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", cond={"StringEquals": {"aws:PrincipalTag/team": "red"}})), "implicit_deny")
P130 = pol(st("Allow", "s3:PutObjectTagging", "arn:aws:s3:::bkt/*", cond={"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["project"]}}))
idc("T130a", uA, "s3:PutObjectTagging", OBJ, P130, "allowed")
idc("T130b", uA, "s3:PutObjectTagging", OBJ, P130, "implicit_deny", context_multi={"s3:RequestObjectTagKeys": ["project", "owner"]})
idc("T131", uA, "s3:PutObject", OBJ, pol(st("Allow", "s3:PutObject", "arn:aws:s3:::bkt/*", cond={"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["project"]}})), "implicit_deny")
BP132 = pol(st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*", cond={"ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}))
case(s, "T132a", "anonymous", "s3:GetObject", resource_policy=BP132, expect="allowed", layer="bucket_policy")
case(s, "T132b", uB, "s3:GetObject", identity=[ID_GET], resource_policy=BP132, context={"aws:PrincipalOrgID": ["o-xyz"]}, expect="implicit_deny", layer="bucket_policy")
P133 = pol(st("Allow", "s3:PutObject", "arn:aws:s3:::bkt/*", cond={"StringEquals": {"s3:RequestObjectTagKeys": "project"}}))
idc("T133a", uA, "s3:PutObject", OBJ, P133, "implicit_deny", context_multi={"s3:RequestObjectTagKeys": ["project", "owner"]})
idc("T133b", uA, "s3:PutObject", OBJ, P133, "allowed", context_multi={"s3:RequestObjectTagKeys": ["project"]})
P134 = pol(st("Allow", "s3:*", "*", cond={"StringEquals": {"aws:PrincipalTag/dept": ["hr", "fin"], "aws:PrincipalAccount": A}}))
idc("T134a", uA, "s3:GetObject", OBJ, P134, "allowed", context={"aws:PrincipalTag/dept": ["fin"]})
idc("T134b", uA, "s3:GetObject", OBJ, P134, "implicit_deny", context={"aws:PrincipalTag/dept": ["ops"]})
BP135 = pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal="*", cond={"StringNotEquals": {"aws:PrincipalAccount": [A, B]}}), st("Allow", "s3:GetObject", "arn:aws:s3:::bkt/*", principal="*"))
case(s, "T135a", uB, "s3:GetObject", identity=[ID_GET], resource_policy=BP135, expect="allowed", layer="bucket_policy")
case(s, "T135b", uC, "s3:GetObject", identity=[ID_GET], resource_policy=BP135, expect="explicit_deny", layer="bucket_policy")
case(s, "T135c", "anonymous", "s3:GetObject", resource_policy=BP135, expect="explicit_deny", layer="bucket_policy")
case(s, "T136", uA, "s3:GetObject", identity=[ID_GET], resource_policy=pol(st("Deny", "s3:*", [BKT, "arn:aws:s3:::bkt/*"], principal="*", cond={"StringNotEquals": {"AWS:SOURCEVPCE": "vpce-1a2b"}})), context=VIA, absent=["aws:SourceIp"], expect="allowed", layer="identity")
idc("T137a", "arn:aws:iam::111111111111:user/JohnDoe", "s3:GetObject", OBJ, pol(st("Allow", "s3:*", "*", cond={"StringEquals": {"aws:username": "johndoe"}})), "implicit_deny")
idc("T137b", "arn:aws:iam::111111111111:user/JohnDoe", "s3:GetObject", OBJ, pol(st("Allow", "s3:*", "*", cond={"StringEqualsIgnoreCase": {"aws:username": "johndoe"}})), "allowed")
P138 = pol(st("Allow", "s3:ListBucket", BKT, cond={"StringEquals": {"s3:prefix": "home/*"}}))
P138L = pol(st("Allow", "s3:ListBucket", BKT, cond={"StringLike": {"s3:prefix": "home/*"}}))
idc("T138a", uA, "s3:ListBucket", BKT, P138, "implicit_deny", context={"s3:prefix": ["home/x"]})
idc("T138b", uA, "s3:ListBucket", BKT, P138, "allowed", context={"s3:prefix": ["home/*"]})
idc("T138c", uA, "s3:ListBucket", BKT, P138L, "allowed", context={"s3:prefix": ["home/x"]})

# ---- 7.12 (generic parts)
s = "7.12"
P141 = pol(st("Allow", "s3:ListBucket", BKT, cond={"StringEquals": {"s3:prefix": ["", "home/"]}}))
idc_s = lambda *a, **k: case(s, a[0], a[1], a[2], resource=a[3], identity=[a[4]], expect=a[5], layer="identity", **k)
idc_s("T141a", uA, "s3:ListBucket", BKT, P141, "implicit_deny")
idc_s("T141b", uA, "s3:ListBucket", BKT, P141, "allowed", context={"s3:prefix": [""]})
idc_s("T141c", uA, "s3:ListBucket", BKT, P141, "allowed", context={"s3:prefix": ["home/"]})
P156 = pol(st("Allow", ["s3:GetBucketLocation", "s3:ListAllMyBuckets"], "arn:aws:s3:::*"), st("Allow", "s3:*", ["arn:aws:s3:::carlossalazar", "arn:aws:s3:::carlossalazar/*"]), st("Deny", "s3:*", "arn:aws:s3:::*log*"))
idc_s("T156", uA, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/f", P156, "explicit_deny")
idc_s("T157", uA, "s3:ListAllMyBuckets", "arn:aws:s3:::*", P156, "allowed", note="resource-less action: the request resource is arn:aws:s3:::* (matched by both \"*\" and \"arn:aws:s3:::*\" patterns, not by *log*)")

os.makedirs("testdata/corpus", exist_ok=True)
for sec, cs in cases.items():
    with open(f"testdata/corpus/{sec}.json", "w") as f:
        json.dump(cs, f, indent=1, sort_keys=False)
        f.write("\n")
print({k: len(v) for k, v in cases.items()})
