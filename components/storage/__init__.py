"""Object storage and the edge in front of it: buckets, CDN, web application firewall."""
