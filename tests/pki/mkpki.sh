#!/usr/bin/env bash
# A test PKI for fixtures: one root CA and code-signing certificates for a banned vendor
# (two certificates, as after a yearly renewal: same subject, new key and serial) and an
# allowed one. Made fresh at test time with openssl; nothing secret is kept in the tree.
#   mkpki.sh OUTDIR   ->  OUTDIR/{ca,banned,banned-renewed,allowed}.{key,pem}
set -euo pipefail
out=${1:?usage: mkpki.sh OUTDIR}
[ -f "$out/.done" ] && exit 0
mkdir -p "$out"
cd "$out"

cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[vb_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[vb_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
	-subj "/C=US/O=vendorban Test PKI/CN=vendorban Test Root CA" \
	-keyout ca.key -out ca.pem -extensions vb_ca -config ext.cnf 2>/dev/null

leaf() {
	local name=$1 subj=$2 serial=$3
	openssl req -new -newkey rsa:2048 -nodes -subj "$subj" -keyout "$name.key" \
		-out "$name.csr" -config ext.cnf 2>/dev/null
	openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -set_serial "$serial" \
		-days 825 -sha256 -extfile ext.cnf -extensions vb_leaf -out "$name.pem" 2>/dev/null
	rm -f "$name.csr"
}
leaf banned "/C=RU/O=Banned Test Vendor/serialNumber=1027700067328/CN=Banned Test Vendor Code Signing" 0x4b1a2f0001
leaf banned-renewed "/C=RU/O=Banned Test Vendor/serialNumber=1027700067328/CN=Banned Test Vendor Code Signing" 0x4b1a2f0002
leaf allowed "/C=US/O=Allowed Test Vendor/CN=Allowed Test Vendor Code Signing" 0x0a11ed0001
touch .done
