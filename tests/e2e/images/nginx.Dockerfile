# Stand-in for cgr.dev/chainguard/nginx:latest: the stand-in BASE with Debian's nginx binary,
# /etc/nginx (mime.types, fastcgi_params) and the shared libraries it loads; runs as 65532 in
# the foreground, logging to stderr from the start.
ARG MINBASE
ARG BASE
FROM ${MINBASE} AS nginx
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx > /dev/null \
 && mkdir -p /rootfs/usr/sbin /rootfs/etc /rootfs/var/lib/nginx /rootfs/var/log/nginx \
 && cp /usr/sbin/nginx /rootfs/usr/sbin/ && cp -aL /etc/nginx /rootfs/etc/ \
 && ldd /usr/sbin/nginx | awk '/=> \//{print $3}' | sort -u \
    | while read -r lib; do d=$(dirname "$(readlink -f "$lib")"); mkdir -p "/rootfs$d"; cp -L "$lib" "/rootfs$d/"; done

FROM ${BASE}
COPY --from=nginx /rootfs/ /
ENTRYPOINT ["/usr/sbin/nginx"]
CMD ["-e", "/dev/stderr", "-g", "daemon off;"]
