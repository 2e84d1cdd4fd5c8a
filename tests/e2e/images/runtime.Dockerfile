# Stand-in for a distroless (or Chainguard static/busybox) runtime image, assembled from the same
# Debian trixie packages: CA bundle, tzdata, netbase, media-types, passwd/group with root 0,
# nonroot 65532 and nobody 65534, /tmp 1777, nsswitch.conf, plus PACKAGES (libc6 for base,
# libgcc-s1 and libstdc++6 for cc). Target `prod` or `debug` (BusyBox under /busybox).
ARG MINBASE
FROM ${MINBASE} AS src
ARG PACKAGES=""
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates netbase tzdata media-types busybox-static ${PACKAGES} > /dev/null \
 && mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp /rootfs/home/nonroot /rootfs/root /rootfs/usr/share /rootfs/usr/lib /rootfs/busybox \
 && chmod 1777 /rootfs/tmp && chmod 700 /rootfs/home/nonroot /rootfs/root && chown 65532:65532 /rootfs/home/nonroot \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && cp -a /usr/share/zoneinfo /rootfs/usr/share/ \
 && cp /etc/services /etc/protocols /etc/mime.types /rootfs/etc/ \
 && cp /usr/lib/os-release /rootfs/usr/lib/ && ln -s ../usr/lib/os-release /rootfs/etc/os-release \
 && cp -a /bin /sbin /lib /rootfs/ && (cp -a /lib64 /rootfs/ 2>/dev/null || true) \
 && for p in ${PACKAGES}; do dpkg -L "$p"; done | while read -r f; do \
      if [ -f "$f" ] || [ -L "$f" ]; then \
        d=$(readlink -f "$(dirname "$f")"); mkdir -p "/rootfs$d"; cp -a "$f" "/rootfs$d/"; fi; done \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > /rootfs/etc/group \
 && printf 'hosts: files dns\nnetworks: files\npasswd: files\ngroup: files\n' > /rootfs/etc/nsswitch.conf \
 && mkdir -p /debugfs/busybox && cp /bin/busybox /debugfs/busybox/busybox \
 && for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "/debugfs/busybox/$applet"; done

FROM scratch AS prod
ARG RUN_AS=65532:65532
ARG HOME_DIR=/home/nonroot
COPY --from=src /rootfs/ /
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER ${RUN_AS}
WORKDIR ${HOME_DIR}

FROM prod AS debug
COPY --from=src /debugfs/busybox /busybox
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox
ENTRYPOINT ["/busybox/sh"]
