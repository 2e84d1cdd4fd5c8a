<?php

namespace Example;

/** The answer of /healthz: the uid, the PHP version, the SAPI, and whether the code is writable. */
final class Health
{
    public static function report(): string
    {
        $writable = is_writable(__FILE__) ? 'yes' : 'no';
        return sprintf('ok uid=%d php=%d.%d sapi=%s code-writable=%s', posix_getuid(), PHP_MAJOR_VERSION, PHP_MINOR_VERSION, PHP_SAPI, $writable);
    }
}
