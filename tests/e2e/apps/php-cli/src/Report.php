<?php

namespace Example;

/** What the CLI prints: the uid, the PHP version and the SAPI, through Composer's autoloader. */
final class Report
{
    public static function line(): string
    {
        return sprintf('ok uid=%d php=%d.%d sapi=%s autoload=yes', posix_getuid(), PHP_MAJOR_VERSION, PHP_MINOR_VERSION, PHP_SAPI);
    }
}
